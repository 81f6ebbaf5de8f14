"""Digits: classifying images read as sequences.

A static input can be read as a sequence too: each 8 x 8 image of scikit-learn's handwritten
digits (1797 images, 10 classes, shipped inside scikit-learn) becomes 8 steps of 8 pixels, one row
per step. An Elman RNN reads the rows and answers once at the end (many-to-one, softmax over the
10 classes). Its test accuracy is compared with a logistic regression on the flattened 64-pixel
image, trained on the same 75 % stratified split; the confusion matrix shows which digits the
RNN mixes up. Needs scikit-learn (pip install 'rnnlab[sklearn]'); without it the experiment is
skipped.
"""
from __future__ import annotations

import time

from .. import plots
from . import Figure, Result, Table

NAME = "digits"
TITLE = "Digits: images as sequences of rows (many-to-one)"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SETTINGS = {True: {"hidden": 32, "epochs": 25, "lr": 0.005},
            False: {"hidden": 96, "epochs": 100, "lr": 0.003}}
BATCH, CLIP = 32, 1.0
N_EXAMPLES = 12                     # test images in the examples figure


def _fit_rnn(X_tr, y_tr, X_te, cfg, seed, progress):
    """Train the many-to-one RNN. Returns (model, test predictions, seconds, time steps/s)."""
    from .. import RNN
    from ..tasks import digits as dg
    model = RNN(8, cfg["hidden"], dg.N_CLASSES, output="softmax", mapping="many-to-one",
                seed=seed)
    t0 = time.perf_counter()
    hist = model.fit(X_tr, y_tr, optimizer="adam", lr=cfg["lr"], epochs=cfg["epochs"],
                     batch_size=BATCH, clip_norm=CLIP, seed=seed, progress=progress)
    secs = time.perf_counter() - t0
    return model, model.predict(X_te).argmax(axis=1), secs, hist.steps * BATCH * 8 / secs


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    from ..tasks import digits as dg
    try:
        dg.require_sklearn()
    except ImportError as err:
        return Result(skipped=f"skipped: {err}")
    cfg = SETTINGS[quick]
    X_tr, y_tr, X_te, y_te = dg.load(random_state=seed)
    model, pred, secs, rate = _fit_rnn(X_tr, y_tr, X_te, cfg, seed, progress)
    t1 = time.perf_counter()
    base = dg.logistic_baseline(X_tr, y_tr, X_te)
    base_secs = time.perf_counter() - t1
    acc, base_acc = dg.accuracy(pred, y_te), dg.accuracy(base, y_te)
    rows = [[f"Elman RNN, H = {cfg['hidden']} (8 steps of 8 pixels)", acc, model.n_params,
             round(secs, 2), round(rate)],
            ["logistic regression (64 pixels)", base_acc, 65 * dg.N_CLASSES, round(base_secs, 2),
             None]]
    table = Table("Test accuracy on handwritten digits", ["model", "test accuracy",
                  "parameters", "training seconds", "training speed (time steps/s)"], rows,
                  note=f"{len(X_tr)} training and {len(X_te)} test images (stratified split, "
                       f"seed {seed}); pixels scaled to [0, 1]. RNN: Adam lr {cfg['lr']}, batch "
                       f"{BATCH}, gradient norm clipped to {CLIP}, {cfg['epochs']} epochs. Logistic regression: scikit-learn, "
                       f"C = 1.")
    cm = dg.confusion_matrix(y_te, pred)
    cm_table = Table("Confusion matrix of the RNN (rows: true digit, columns: predicted)",
                     ["true \\ predicted", *range(dg.N_CLASSES)],
                     [[i, *map(int, r)] for i, r in enumerate(cm)])
    return Result(tables={"accuracy": table, "confusion": cm_table},
                  figures={"confusion_matrix": Figure(plots.digits.confusion,
                                                      {"matrix": cm, "accuracy": acc}),
                           "examples": Figure(plots.digits.examples, {
                               "images": X_te[:N_EXAMPLES], "truth": y_te[:N_EXAMPLES],
                               "pred": pred[:N_EXAMPLES]})},
                  summary=[("RNN accuracy", acc), ("logistic regression accuracy", base_acc)],
                  config=dict(cfg, seed=seed, batch_size=BATCH, clip_norm=CLIP,
                              test_size=0.25))

