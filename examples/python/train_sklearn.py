"""A scikit-learn workload for greenml: gradient-boosted trees on the digits dataset (bundled with
scikit-learn, no download), trained stage by stage so greenml sees progress and accuracy.

    greenml run -- python3 examples/python/train_sklearn.py --estimators 300
"""
import argparse

from sklearn.datasets import load_digits
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split

from greenml_metrics import metric, param, progress

parser = argparse.ArgumentParser()
parser.add_argument("--estimators", type=int, default=200)
parser.add_argument("--learning-rate", type=float, default=0.1)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=args.seed)
param("estimators", args.estimators)
param("learning_rate", args.learning_rate)

model = GradientBoostingClassifier(
    n_estimators=args.estimators, learning_rate=args.learning_rate, random_state=args.seed, warm_start=True
)
step = max(1, args.estimators // 20)
for n in range(step, args.estimators + 1, step):
    model.n_estimators = n
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    metric("accuracy", accuracy, step=n)
    progress(n, args.estimators)
    print(f"{n}/{args.estimators} trees: test accuracy {accuracy:.3f}", flush=True)
