"""The manuals, shipped inside the package (``sewerplan.docs``) so an installed sewerplan can write them
as HTML (``sewerplan manual``, the offline kit's ``설명서/``) on a PC without this repository."""
