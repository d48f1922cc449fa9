"""One module per wizard screen, its styles in <screen>.tcss beside it."""
