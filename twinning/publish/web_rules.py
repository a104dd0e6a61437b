"""What every web server of the publication does alike, and the nginx configuration that says so.

`twinning serve` (the front in `server`) and nginx answer an IRI with the same document for the same
`Accept` header, send the same media types and security headers, and send `/query` to the SPARQL
guard of `twinning serve`, never to Oxigraph itself (Oxigraph would call any `SERVICE` address and
cannot stop a runaway sort). The build writes the two nginx files into the publication:

- `nginx.conf`, included at the `http` level (Debian's `conf.d/` or `sites-enabled/`): the media types
  Debian's `mime.types` lacks, and the maps that negotiate with quality values;
- `nginx-server.conf`, included inside the deployer's `server` block after its `root`: the locations,
  the headers, and `/query` proxied to the `twinning_sparql` upstream the deployer names.

nginx has no arithmetic, so the maps compare qualities as four-digit strings ("0.8" is 0800): one map
per offered type reads its quality from the header (the most specific range that matches, as in
`negotiation`), one map per pair of types says which is higher, and the last map picks the suffix.
"""

from __future__ import annotations

from itertools import combinations

# Offers in the server's order of preference: a tie goes to the earlier one (the page, for a browser).
DOCUMENT_TYPES = {"text/html": ".html", "text/turtle": ".ttl", "application/n-triples": ".nt",
                  "application/ld+json": ".jsonld"}

# Media types by suffix; text is UTF-8 (the archived sources are .txt).
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
               ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".csv": "text/csv; charset=utf-8",
               ".txt": "text/plain; charset=utf-8", ".css": "text/css; charset=utf-8", ".xml": "application/xml",
               ".gz": "application/gzip", ".rq": "application/sparql-query", ".json": "application/json"}
SPECIAL_TYPES = {"/.well-known/void": "text/turtle", "/downloads/csv-metadata.json": "application/csvm+json"}

# The pages run only the site's own script (search and table filters, which read search.json) and load
# nothing from elsewhere; the query form posts to this origin.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                    "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"}
# Browser-based SPARQL clients (YASGUI and the like) run on other origins.
CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400"}


def form_action(endpoint: str | None) -> str:
    """The policy with a configured public endpoint added to where the query form may post."""
    return CONTENT_SECURITY_POLICY if not endpoint else CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {endpoint}")


def name(media: str) -> str:
    return DOCUMENT_TYPES[media].lstrip(".")


def quality_map(media: str) -> list[str]:
    """`$twinning_q_<suffix>`: the quality of the most specific range naming `media`, as four digits."""
    kind = media.split("/")[0]
    lines = [f"map $http_accept $twinning_q_{name(media)} {{", "    default 0000;"]
    for pattern in (media.replace("+", "[+]"), f"{kind}/[*]", "[*]/[*]"):
        element = rf"(?:^|,)\s*{pattern}\s*;[^,]*?\bq\s*=\s*"
        lines += [rf'    "~*{element}1(?:\.0{{0,3}})?\s*(?:[;,]|$)" 1000;',
                  rf'    "~*{element}0\.(?<q>\d)\s*(?:[;,]|$)" 0${{q}}00;',
                  rf'    "~*{element}0\.(?<q>\d\d)\s*(?:[;,]|$)" 0${{q}}0;',
                  rf'    "~*{element}0\.(?<q>\d\d\d)\s*(?:[;,]|$)" 0$q;',
                  rf'    "~*{element}0\.?\s*(?:[;,]|$)" 0000;',
                  rf'    "~*(?:^|,)\s*{pattern}\s*(?:[;,]|$)" 1000;']
    return lines + ["}"]


def higher_map(first: str, second: str) -> list[str]:
    """`$twinning_<a>_over_<b>` is 1 when the first quality is higher: the same leading digits, then a
    higher one (a backreference keeps the prefix)."""
    lines = [f'map "$twinning_q_{name(first)}$twinning_q_{name(second)}" $twinning_{name(first)}_over_{name(second)} {{',
             "    default 0;"]
    for position in range(4):
        for digit in range(1, 10):
            lines.append(rf'    "~^(\d{{{position}}}){digit}\d{{{3 - position}}}\1[0-{digit - 1}]" 1;')
    return lines + ["}"]


def nginx_http_conf() -> str:
    offers = list(DOCUMENT_TYPES)
    pairs = [(later, earlier) for earlier, later in combinations(offers, 2)]  # does a later offer beat an earlier one?
    lines = ["# nginx, http level: include once (Debian: /etc/nginx/conf.d/twinning.conf -> this file).",
             "# The media types Debian's mime.types lacks, and content negotiation with quality values:",
             "# see docs/deploying.md. Written by `twinning build`; do not edit.",
             "types {"]
    lines += [f"    {media.split(';')[0]} {suffix.lstrip('.')};" for suffix, media in MEDIA_TYPES.items()
              if suffix in (".ttl", ".nt", ".jsonld", ".csv", ".gz", ".rq")]
    lines.append("}")
    for media in offers:
        lines += quality_map(media)
    for first, second in pairs:
        lines += higher_map(first, second)
    # An offer wins when it beats every earlier offer and no later offer beats it.
    key = "".join(f"$twinning_{name(first)}_over_{name(second)}" for first, second in pairs)
    lines += [f'map "{key}" $twinning_suffix {{', '    default ".html";']
    for media in offers[1:]:
        pattern = "".join("1" if first == media else "0" if second == media else "." for first, second in pairs)
        lines.append(f'    "~^{pattern}$" "{DOCUMENT_TYPES[media]}";')
    return "\n".join(lines + ["}"]) + "\n"


def nginx_server_conf(endpoint: str | None = None) -> str:
    """The server-level rules; `endpoint` is a public SPARQL endpoint elsewhere that the query form posts to."""
    policy = {**SECURITY_HEADERS, "Content-Security-Policy": form_action(endpoint)}
    headers = [f'add_header {header} "{value}" always;' for header, value in policy.items()]
    hidden = [f"    proxy_hide_header {header};" for header in SECURITY_HEADERS]
    lines = ["# nginx, server level: include inside the server block, after its root (see docs/deploying.md).",
             "# /query goes to the SPARQL guard of `twinning serve`, named by an upstream `twinning_sparql`.",
             "# Written by `twinning build`; do not edit.",
             "charset utf-8;",
             "charset_types text/plain text/css text/csv text/turtle;",
             "autoindex off;",
             "server_tokens off;",
             "disable_symlinks on from=$document_root;",
             "client_header_timeout 10s;", "client_body_timeout 10s;", "send_timeout 30s;",
             "client_max_body_size 1m;",
             *headers,
             'add_header Vary "Accept" always;',
             "error_page 404 /404.html;",
             "location / {",  # a namespace IRI (…/ontology/) answers its folder's index in the format asked for
             "    try_files $uri$twinning_suffix ${uri}index$twinning_suffix $uri $uri.html $uri/index.html =404;",
             "}",
             r"location ~ (^|/)(\.ht|nginx(-server)?\.conf$) {", "    return 404;", "}"]
    for path, media in SPECIAL_TYPES.items():
        lines += [f"location = {path} {{", "    types { }", f"    default_type {media};", "}"]
    lines += ["location = /query {",
              "    proxy_pass http://twinning_sparql;",
              "    proxy_http_version 1.1;",
              '    proxy_set_header Connection "";',
              "    proxy_set_header Host $host;",
              "    proxy_read_timeout 120s;",
              *hidden,
              "    proxy_hide_header Vary;",
              "}"]
    return "\n".join(lines) + "\n"
