"""Automatic fixes: patches as data, written into the author's text without reformatting it.

How a fix travels, one module per step:

- ``generators``: a finding -> ``PatchOp``s (``model``), from the document's data only.
- ``plan``: a file's findings -> one list of ops (duplicates merged, conflicts refused).
- ``ops``: what ops mean on plain data (the reference every text patch is checked against).
- ``patcher``: ops -> new text, one document slice and one op at a time, then read back.
- ``splice``: one op -> one text splice, from PyYAML node marks (``placement`` says where a
  new key goes, ``emit`` writes new values, ``style`` and ``text`` know the file's layout).
- ``invariants``: combinations the API server or kubelet refuses, which no fix may create.
- ``edits`` / ``diff``: the replacements (SARIF, rdjson, JSON) and the unified diff.
- ``files``: writing back atomically in the file's own encoding.
- ``apply``: ``attach_fixes`` and ``apply_fixes``, the entry points.

Nothing is re-dumped, so bytes outside the patched entries are the author's by
construction; ruamel.yaml round-trip dumping was avoided for that reason.
"""
