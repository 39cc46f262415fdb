"""The dossier: its pydantic model (`model`), reading and saving (`storage`) and the French
wording of its coded values (`vocabulary`)."""
