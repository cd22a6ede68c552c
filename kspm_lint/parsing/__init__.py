"""Reading files and turning YAML/JSON text into located documents."""
