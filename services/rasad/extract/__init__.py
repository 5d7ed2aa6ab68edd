"""Arabic-first extraction: entities linked to Wikidata, weapon systems by name, events.

Pure library: :func:`rasad.extract.engine.extract` takes an article's text and returns an
:class:`~rasad.common.messages.Extraction`.
"""
