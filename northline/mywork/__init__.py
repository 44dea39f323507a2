"""My work: the page each person lands on after signing in, with what waits for them in every
organization they belong to. Reads only, and no models of its own."""
