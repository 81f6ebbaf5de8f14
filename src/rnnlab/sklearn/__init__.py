"""scikit-learn estimators around rl.RNN: RNNClassifier and RNNRegressor (the `sklearn` extra).

    from rnnlab.sklearn import RNNClassifier
    clf = RNNClassifier(cell="gru", n_hidden=32, epochs=30).fit(X, y)   # X (n, T, D) or (n, T)

They work in Pipeline, GridSearchCV, cross_val_score and clone, and pass scikit-learn's own
estimator checks. Accepted inputs: rnnlab.sklearn.inputs.
"""
try:
    import sklearn.base  # noqa: F401  (absolute: the real scikit-learn, never this package)
except ImportError:
    raise ImportError("rnnlab.sklearn needs scikit-learn: pip install 'rnnlab[sklearn]'") from None

from .estimators import RNNClassifier, RNNRegressor

__all__ = ["RNNClassifier", "RNNRegressor"]
