"""Check stage: what SHACL cannot see (quotes, IRIs, references, lexical forms), then the SHACL shapes."""
