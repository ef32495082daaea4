"""Calibration against the record: fit shared inputs to recorded series by ABC, score held-out ones.

``ceasefire calibrate FILE`` (:func:`sim.calibrate.run.run_calibration`) reads a calibration
file (:mod:`sim.calibrate.spec`), makes the engine a vectorised simulator of the recorded facts
(:mod:`sim.calibrate.simulator`, :mod:`sim.calibrate.facts`), runs rejection or ABC-SMC
(:mod:`sim.calibrate.abc`, a pure function of a prior, a simulator and a seed), and writes the
posterior, the predictive checks and the held-out scores (:mod:`sim.calibrate.scores`). The
method and the outputs are described in ``docs/calibration.md``.
"""
