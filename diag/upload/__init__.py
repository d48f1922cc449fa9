"""Sending reports: redaction (redact.py), the upload client (client.py), the outbox (outbox.py) and exports
(export.py, markdown.py, templates/). Nothing is imported here, so `import diag.upload.redact` stays light."""
