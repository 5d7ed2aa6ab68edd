"""End-to-end benchmark of the pipeline on the real stack (``make bench``)."""
