class WorkbenchModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = {{rnn}}
        self.head = nn.Linear({{dirs}} * HIDDEN_SIZE, OUTPUT_SIZE)

    def forward(self, x):
        out, _ = self.rnn(x)                      # [seq, batch, {{dirs}} * hidden]
        {{head}}
        return {{output}}


def rename(state):
    """File names -> module names: the recurrent weights live under self.rnn."""
    return {(k if k.startswith('head.') else 'rnn.' + k): v for k, v in state.items()}
