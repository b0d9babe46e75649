"""The garbage collector kept off what lives as long as the process: the player's story, `ifengine check`'s model.

A loaded story (its model, the compiled program, the run's trail of views) is a few hundred thousand
objects that live as long as it is played. Python's full collection walks every one of them, and with a
620-scene story one took 120 to 170 ms: it fell on whatever key came next, an undo or a choice. Once a
story is open, `keep_long_lived` moves everything alive into the collector's permanent generation
(`gc.freeze`), which it no longer walks; what the player creates afterwards (a step's widgets, views) is
still collected as usual. The price: a cycle that was alive at the freeze and dies later (an earlier
story's model after a reload) is left to reference counting, and is not freed if it needs the collector.
That is bounded by the stories opened in a sitting. `ifengine check` freezes the model it loaded the same way
(a million-word story's model cost a second of scans otherwise), only in a whole process: a caller
in-process keeps its objects its own to collect."""
from __future__ import annotations

import gc


def keep_long_lived() -> None:
    """Stop the collector from walking what is alive now (call once a story, and its run, are loaded)."""
    gc.freeze()
