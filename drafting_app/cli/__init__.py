"""The `clausier` command line: the parser and dispatch (`main`), one module per command group,
shared output helpers (`output`). Never imports Qt."""
