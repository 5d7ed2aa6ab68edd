"""Exact rolling counts of what the news mentions, per event-time bucket.

``facts`` turns an enriched article into the (kind, key, name) facts to count, ``buckets``
holds the bucket arithmetic and window plans, ``keys`` the Redis key layout, and the two
stores (``redis_store``, ``memory_store``) implement :class:`rasad.counting.store.CountStore`
with the same semantics: each article and each story is counted once per key.
"""
