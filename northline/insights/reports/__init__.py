"""The insights reports (DESIGN §2.8): investment, flow, key results and dependencies, with
their charts and CSV/XLSX exports."""
