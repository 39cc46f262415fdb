"""The wording: the clause library's file models (`model`) and loading (`library`), the clause
markup (`markup`), typed clause values (`values`), sandboxed rendering (`render`), sample
renderings (`samples`) and search (`search`)."""
