"""The processor: faust-streaming workers that enrich raw articles, group syndicated copies
into stories, fan out to the mention and event topics, and count exactly once in Redis."""
