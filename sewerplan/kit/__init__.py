"""The offline install kit (``sewerplan kit build``): wheels for office PCs, the add-in, the manual."""
