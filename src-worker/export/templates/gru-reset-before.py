class GRUResetBefore(nn.Module):
    """GRU with the reset gate applied before the recurrent product (Cho et al. 2014):
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), h' = (1 - z) * n + z * h.
    Parameters named and shaped like nn.GRU (gates r, z, n); time-major input; returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.hidden_size, self.num_layers, self.dirs = hidden_size, num_layers, 2 if bidirectional else 1
        for l in range(num_layers):
            for d in range(self.dirs):
                sfx = 'l%d%s' % (l, '_reverse' if d else '')
                width = input_size if l == 0 else self.dirs * hidden_size
                setattr(self, 'weight_ih_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size, width)))
                setattr(self, 'weight_hh_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size, hidden_size)))
                setattr(self, 'bias_ih_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size)))
                setattr(self, 'bias_hh_' + sfx, nn.Parameter(torch.zeros(3 * hidden_size)))

    def forward(self, x, h0=None):
        steps, batch, H = x.shape[0], x.shape[1], self.hidden_size
        if h0 is None:
            h0 = x.new_zeros(self.num_layers * self.dirs, batch, H)
        finals, inp = [], x
        for l in range(self.num_layers):
            outs = []
            for d in range(self.dirs):
                sfx = 'l%d%s' % (l, '_reverse' if d else '')
                w_ih, w_hh = getattr(self, 'weight_ih_' + sfx), getattr(self, 'weight_hh_' + sfx)
                b_ih, b_hh = getattr(self, 'bias_ih_' + sfx), getattr(self, 'bias_hh_' + sfx)
                gi_all = inp @ w_ih.t() + b_ih
                h, seq = h0[l * self.dirs + d], [None] * steps
                for t in (range(steps - 1, -1, -1) if d else range(steps)):
                    gi = gi_all[t]
                    gh = h @ w_hh[:2 * H].t() + b_hh[:2 * H]
                    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:])
                    n = torch.tanh(gi[:, 2 * H:] + (r * h) @ w_hh[2 * H:].t() + b_hh[2 * H:])
                    h = (1 - z) * n + z * h
                    seq[t] = h
                outs.append(torch.stack(seq, 0))
                finals.append(h)
            inp = torch.cat(outs, -1)
        return inp, torch.stack(finals, 0)
