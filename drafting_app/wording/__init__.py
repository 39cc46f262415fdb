"""The wording: the clause library's file models (`model`) and loading (`library`), its checked
and compiled templates (`templates`), the index kept in memory (`index`) and the cache on disk
(`cache`), the clause markup (`markup`), typed clause values (`values`), sandboxed rendering
(`render`), sample renderings (`samples`) and search (`search`)."""
