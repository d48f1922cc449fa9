"""The customer wizard (`vpndiag tui`): app.py navigates, screens/ hold one screen each, widgets/ draw data."""
