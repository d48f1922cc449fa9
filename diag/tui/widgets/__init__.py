"""Widgets that receive data and post typed messages upward (probe chart, check list, findings, commands)."""
