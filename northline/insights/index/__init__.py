"""The alignment index (DESIGN §2.8): its five components, their drill-down, and the daily
snapshots that keep its trend."""
