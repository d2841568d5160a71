"""The judge's settings (judge.yaml) and trained model (model.npz): data, shipped with the rules."""
