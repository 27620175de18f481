"""Writes torch-image-softmax.onnx, the foreign-model test's ONNX file, with PyTorch (Debian's python3-torch).

The model: image [N, 1, 2, 2] float32 -> Flatten -> Linear(4, 3) -> Softmax -> probabilities [N, 3], N dynamic.
Its weights are fixed, not trained, so OnnxTeacherTest computes the same outputs in Java:
weight[i][j] = 0.1 * (i + 1) * (j - 1.5), bias = [0.1, -0.2, 0.3].
Run from this folder: python3 make_torch_model.py
"""
import torch

linear = torch.nn.Linear(4, 3)
with torch.no_grad():
    for i in range(3):
        for j in range(4):
            linear.weight[i, j] = 0.1 * (i + 1) * (j - 1.5)
    linear.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
model = torch.nn.Sequential(torch.nn.Flatten(), linear, torch.nn.Softmax(dim=1)).eval()
torch.onnx.export(model, torch.zeros(2, 1, 2, 2), "torch-image-softmax.onnx", input_names=["image"],
                  output_names=["probabilities"], dynamic_axes={"image": {0: "N"}, "probabilities": {0: "N"}},
                  opset_version=13)
