"""The report contract, the diagnosis rules and the support server, shared by both sides."""
