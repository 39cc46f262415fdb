"""The documents: format-neutral blocks (`blocks`), the Word (`docx`), HTML (`html`) and text
(`text`) writers, and the generation of a dossier's set of pieces (`generate`)."""
