"""Legal review of the clause wording: history, versions, comparison, packs, layers, usage."""
