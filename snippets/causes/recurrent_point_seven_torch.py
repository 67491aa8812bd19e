"""The 4 x 4 matrix of 0.7s in torch.nn.RNN: its spectral radius, and dh_40/dh_0 by autograd."""
import torch

WEIGHT = 0.7
SIZE = 4
STEPS = 40

for nonlinearity, start in [("relu", 1.0), ("tanh", 1e-3)]:
    rnn = torch.nn.RNN(input_size=1, hidden_size=SIZE, nonlinearity=nonlinearity, bias=False,
                       dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.fill_(WEIGHT)  # the recurrent matrix W
    if nonlinearity == "relu":
        radius = torch.linalg.eigvals(rnn.weight_hh_l0).abs().max()
        print(f"spectral radius of weight_hh_l0 = {radius.item():.4f}")
    inputs = torch.zeros(STEPS, 1, 1, dtype=torch.float64)  # (time, batch, feature): no input
    h0 = torch.full((1, 1, SIZE), start, dtype=torch.float64)

    def last_state(h0):
        return rnn(inputs, h0)[1].reshape(SIZE)

    jacobian = torch.autograd.functional.jacobian(last_state, h0).reshape(SIZE, SIZE)
    norm = torch.linalg.matrix_norm(jacobian, ord=2)  # largest singular value
    print(f"{nonlinearity} RNN: |dh_40/dh_0| = {norm.item():.4g}")
