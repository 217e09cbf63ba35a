"""Development tools of the repository (code generators); never part of the shipped package."""
