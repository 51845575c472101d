"""The engine's compiled inner loop: events inside a week, on flat numpy arrays.

A whole ICS-year is ~14 million contacts per replication and the issue asks for 30
replications in two minutes on two cores, i.e. well under a microsecond per contact. No
pure-Python loop gets there (a heapq push/pop alone costs ~1.2 us here), so the inner loop
is compiled with numba. The Python side (:mod:`intplan.sim.engine`) keeps the weekly
calendar, draws each week's arrivals in numpy batches, refills the random buffers and turns
the counters into results.

Everything is plain arrays held in named tuples (:mod:`.layout`): :class:`Static` (the
compiled model), :class:`State` (staff, lists, heap, counters; fixed size) and
:class:`Pool` (the request entries, which grow). :func:`advance` (:mod:`.loop`) runs until
the week's end and returns ``DONE``, or stops *between* events with ``GROW`` (the caller
enlarges the pool) or ``REFILL`` (an INT's random buffer runs low;
``state.ints[REFILL_INT]`` says which). Stopping between events keeps the run identical
whatever the buffer and pool sizes.

The rooms: :mod:`.layout` (index constants, the named tuples), :mod:`.jit` (numba's
decorators and a cache stamped with the whole package), :mod:`.prefetch` (LLVM's
prefetch), :mod:`.structures` (event heap, FIFO chunks, idle lists), :mod:`.draws`
(random buffers), :mod:`.tally` (counters, requests leaving unserved), :mod:`.events`
and :mod:`.contacts` (the loop's inlined steps), :mod:`.loop` (:func:`advance`),
:mod:`.week` (a week's shifts and arrivals) and :mod:`.stats` (the run's end,
percentiles). Nothing outside :mod:`intplan.sim` imports this package (pyproject.toml).
"""

from intplan.sim.kernel.layout import CHUNK as CHUNK
from intplan.sim.kernel.layout import DONE as DONE
from intplan.sim.kernel.layout import ENTRY as ENTRY
from intplan.sim.kernel.layout import FIRST_6_WEEKS as FIRST_6_WEEKS
from intplan.sim.kernel.layout import FIRST_18_WEEKS as FIRST_18_WEEKS
from intplan.sim.kernel.layout import FREE_CHUNK as FREE_CHUNK
from intplan.sim.kernel.layout import FREE_SLOTS as FREE_SLOTS
from intplan.sim.kernel.layout import GROW as GROW
from intplan.sim.kernel.layout import HEAP_PAYLOAD_BITS as HEAP_PAYLOAD_BITS
from intplan.sim.kernel.layout import HIST_BINS as HIST_BINS
from intplan.sim.kernel.layout import LEAD_STREAMS as LEAD_STREAMS
from intplan.sim.kernel.layout import N_BUCKETS as N_BUCKETS
from intplan.sim.kernel.layout import N_FREE_CHUNKS as N_FREE_CHUNKS
from intplan.sim.kernel.layout import N_INTS as N_INTS
from intplan.sim.kernel.layout import REFILL as REFILL
from intplan.sim.kernel.layout import REFILL_INT as REFILL_INT
from intplan.sim.kernel.layout import SHIFT_IDX as SHIFT_IDX
from intplan.sim.kernel.layout import Arrivals as Arrivals
from intplan.sim.kernel.layout import Pool as Pool
from intplan.sim.kernel.layout import Shifts as Shifts
from intplan.sim.kernel.layout import State as State
from intplan.sim.kernel.layout import Static as Static
from intplan.sim.kernel.loop import advance as advance
from intplan.sim.kernel.stats import finish as finish
from intplan.sim.kernel.stats import percentiles as percentiles
from intplan.sim.kernel.tally import lead_days as lead_days
from intplan.sim.kernel.week import begin_week as begin_week
from intplan.sim.kernel.week import episodes as episodes
from intplan.sim.kernel.week import time_order as time_order
from intplan.sim.kernel.week import week_shifts as week_shifts
