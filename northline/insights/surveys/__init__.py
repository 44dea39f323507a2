"""Purpose pulse surveys (DESIGN §2.8, component 5): surveys, links, answers and their scoring."""
