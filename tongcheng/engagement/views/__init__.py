"""The engagement's pages: appointments (representatives.py), talks and the due and missed
lists (contacts.py), the compliance figures and the festival dates (figures.py)."""
