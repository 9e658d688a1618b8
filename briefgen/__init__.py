"""briefgen: turn a corpus of articles into signed-off country briefings.

corpus → ingest → extract → reconcile → fact sheets (data/) → render (HTML, PDF).
"""

__version__ = "0.1.0"
