"""The alignment map (DESIGN §2.8): the strategy-to-work tree, its branches and its exports."""
