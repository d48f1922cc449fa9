"""vpndiag, the customer's side: probing, checks, the wizard and the upload client."""

__version__ = "0.1.0"
