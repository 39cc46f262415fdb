"""Reading and writing the project's files: problems with file and line, TOML and pydantic
messages in French, atomic saves. Every other package reads and writes through here."""
