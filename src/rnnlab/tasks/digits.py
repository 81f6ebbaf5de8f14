"""Handwritten digits as sequences: scikit-learn's load_digits (1797 images of 8 x 8 pixels, 10
classes, shipped inside scikit-learn) read row by row, one row of 8 pixels per step.

    x(t) = row t of the image / 16     t = 1..8, x(t) in [0, 1]^8      X (N, 8, 8)
    y    = softmax(W1 h(8) + b1)        many-to-one, 10 classes          Y (N,) class indices

The baseline is a logistic regression (softmax regression) on the flattened 64-pixel image,
fitted on the same training images. Needs the optional extra: pip install 'rnnlab[sklearn]'.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from .._types import Array, Seed

N_CLASSES = 10


def require_sklearn() -> ModuleType:
    """The sklearn module, or ImportError naming the extra to install.

    Returns
    -------
    module
        scikit-learn.

    Raises
    ------
    ImportError
        Naming the extra to install.
    """
    try:
        import sklearn
    except ImportError:
        raise ImportError("the digits data and the logistic-regression baseline need "
                          "scikit-learn: pip install 'rnnlab[sklearn]'") from None
    return sklearn


def load(*, test_size: float = 0.25, random_state: Seed = 0) -> tuple[Array, Array, Array, Array]:
    """(X_train, y_train, X_test, y_test): images as (N, 8, 8) float64 sequences in [0, 1].

    The split is stratified by class (scikit-learn's train_test_split); row t of an image is
    step t of its sequence. Labels are int64 class indices 0..9.

    Parameters
    ----------
    test_size : float
        The share of the test set.
    random_state : int
        The split's seed.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Images (N, 8, 8) and labels (N,).
    """
    require_sklearn()
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    test_size = _checks.check_float(test_size, "test_size", positive=True)
    if test_size >= 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size}")
    data = load_digits()
    X = data.images.astype(np.float64) / 16.0                 # (1797, 8, 8)
    y = data.target.astype(np.int64)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, stratify=y,
                                              random_state=random_state)
    return X_tr, y_tr, X_te, y_te


def logistic_baseline(X_train: Array, y_train: ArrayLike, X_test: Array, *, C: float = 1.0,
                      max_iter: int = 2000) -> Array:
    """Predicted classes (N_test,) of a logistic regression on the flattened images.

    Parameters
    ----------
    X_train : ndarray, (N, 8, 8)
        Training images.
    y_train : ndarray, (N,)
        Their labels.
    X_test : ndarray, (N_test, 8, 8)
        Test images.
    C : float
        The inverse regularisation strength.
    max_iter : int
        The solver's iterations.

    Returns
    -------
    ndarray, (N_test,)
        Predicted classes.
    """
    require_sklearn()
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(C=C, max_iter=max_iter)
    clf.fit(np.asarray(X_train).reshape(len(X_train), -1), y_train)
    return clf.predict(np.asarray(X_test).reshape(len(X_test), -1))


def accuracy(pred: ArrayLike, truth: ArrayLike) -> float:
    """Fraction of equal entries.

    Parameters
    ----------
    pred, truth : array_like
        Predicted and true labels.

    Returns
    -------
    float

    Examples
    --------
    >>> accuracy([1, 2, 3, 4], [1, 2, 0, 0])
    0.5
    """
    return float(np.mean(np.asarray(pred) == np.asarray(truth)))


def confusion_matrix(truth: ArrayLike, pred: ArrayLike, n_classes: int = N_CLASSES) -> np.ndarray:
    """Counts (K, K): entry [i, j] is the number of class-i examples predicted as class j.

    Parameters
    ----------
    truth, pred : array_like of int
        True and predicted labels.
    n_classes : int
        K.

    Returns
    -------
    ndarray of int, (K, K)

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=2).tolist()
    [[1, 0], [1, 1]]
    """
    truth, pred = np.asarray(truth, dtype=np.int64), np.asarray(pred, dtype=np.int64)
    if truth.shape != pred.shape:
        raise ValueError(f"truth and pred must have the same shape, got {truth.shape} and "
                         f"{pred.shape}")
    for name, a in (("truth", truth), ("pred", pred)):
        if a.size and (a.min() < 0 or a.max() >= n_classes):
            raise ValueError(f"{name} must hold classes 0..{n_classes - 1}, got "
                             f"{a.min()}..{a.max()}")
    return np.bincount(truth * n_classes + pred, minlength=n_classes ** 2).reshape(
        n_classes, n_classes)
