class WorkbenchModel(nn.Module):
    """{{summary}}; generation feeds back each prediction."""

    def __init__(self):
        super().__init__()
{{modules}}
        self.head = nn.Linear(HIDDEN_SIZE, OUTPUT_SIZE)

    def forward(self, x, steps=SEQ_OUT):
        batch = x.shape[1]
{{initialState}}
        y, outs = None, []
        for t in range(steps):
{{feed}}
            out, state = self.{{stack}}(inp.unsqueeze(0), state)
            y = {{output}}
            outs.append(y)
        return torch.stack(outs, 0)               # [steps, batch, {{outputSize}}]


def rename(state):
    return {{rename}}
