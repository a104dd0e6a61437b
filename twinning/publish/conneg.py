"""Content negotiation rules for a static host: the same IRI answers HTML, Turtle, N-Triples or
JSON-LD, as Apache (.htaccess) and nginx (nginx.conf) are told here, and as `twinning serve` does."""

from __future__ import annotations

MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def conneg_rules() -> tuple[str, str]:
    apache = ["# Content negotiation: the same IRI answers HTML, Turtle, N-Triples or JSON-LD.",
              "AddType text/turtle .ttl", "AddType application/n-triples .nt", "AddType application/ld+json .jsonld",
              "AddType text/csv .csv", "AddType application/csvm+json .json", "Options -MultiViews",
              "RewriteEngine On"]
    for extension, media in MEDIA_TYPES.items():
        escaped = media.replace("+", "\\+")
        apache += [f"RewriteCond %{{HTTP_ACCEPT}} {escaped}", f"RewriteCond %{{REQUEST_FILENAME}}.{extension} -f",
                   f"RewriteRule ^(.*)$ $1.{extension} [L]"]
    apache += ["RewriteCond %{REQUEST_FILENAME}.html -f", "RewriteRule ^(.*)$ $1.html [L]"]
    nginx = ["# nginx: include in the server block that serves publish/ (content negotiation for every IRI).",
             "types { text/html html; text/turtle ttl; application/n-triples nt; application/ld+json jsonld; "
             "text/csv csv; application/csvm+json json; application/gzip gz; }",
             "map $http_accept $rdf_suffix {", "    default \".html\";"]
    for extension, media in MEDIA_TYPES.items():
        nginx.append(f"    ~{media.replace('+', '[+]')} \".{extension}\";")
    nginx += ["}", "location / {", "    try_files $uri$rdf_suffix $uri $uri.html $uri/index.html =404;", "}"]
    return "\n".join(apache) + "\n", "\n".join(nginx) + "\n"
