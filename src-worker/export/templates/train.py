#!/usr/bin/env python3
"""Train an RNN Workbench experiment with PyTorch: the same data, initial weights, batch order, optimiser, schedule,
clipping, truncated BPTT, early stopping and NaN policy as the workbench run this project was exported from.

    python3 train.py [--epochs N] [--device cpu|cuda] [--json] [--out CKPT]
    torchrun --nproc_per_node N train.py [...]        # DistributedDataParallel: each process takes a share of every batch

Needs python3, torch and numpy. Reads config.json, model.py and data/ next to this file; writes the log to
run/log.jsonl and the final weights to CKPT (default run/final.safetensors), which `rnn-workbench import-run DIR`
brings back as an experiment. See README.md for what is reproduced exactly.
"""
import argparse
import copy
import importlib.util
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
M32 = 0xFFFFFFFF


class Sfc32:
    """The workbench's PRNG (sfc32), continued from the state it had after initialising the weights: every epoch
    shuffles the previous epoch's order with a Fisher-Yates pass, exactly as the workbench does."""

    def __init__(self, state):
        self.a, self.b, self.c, self.d = (int(v) & M32 for v in state[:4])

    def next_u32(self):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        self.c = ((((c << 21) | (c >> 11)) & M32) + t) & M32
        return t

    def uniform(self):
        hi, lo = self.next_u32() >> 5, self.next_u32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def shuffle(self, order):
        for i in range(len(order) - 1, 0, -1):
            j = math.floor(self.uniform() * (i + 1))
            order[i], order[j] = order[j], order[i]

    def state(self):
        return [self.a, self.b, self.c, self.d]


class LrSchedule:
    """The workbench's per-epoch schedules: StepLR, cosine annealing to 0 over the run, ReduceLROnPlateau (min mode,
    relative threshold 1e-4)."""

    def __init__(self, cfg, lr, epochs):
        self.cfg, self.lr, self.base, self.epochs = cfg or {'kind': 'none'}, lr, lr, epochs
        self.best, self.bad = math.inf, 0

    def end_epoch(self, e, metric):
        c, kind = self.cfg, self.cfg.get('kind', 'none')
        if kind == 'step':
            self.lr = self.base * math.pow(c.get('gamma', 0.1), e // max(1, c.get('stepSize', 10)))
        elif kind == 'cosine':
            self.lr = self.base * (1 + math.cos(math.pi * min(e, self.epochs) / max(1, self.epochs))) / 2
        elif kind == 'plateau':
            if metric < self.best * (1 - 1e-4):
                self.best, self.bad = metric, 0
            else:
                self.bad += 1
                if self.bad > c.get('patience', 10):
                    self.lr *= c.get('factor', 0.1)
                    self.bad = 0

    def scale_base(self, f):
        self.base *= f
        self.lr *= f


def read_safetensors(path, dtype):
    """Tensors of a safetensors file (8-byte header length, JSON header, little-endian data) and its metadata."""
    with open(path, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {'F32': np.float32, 'F64': np.float64}
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        a = np.frombuffer(data[begin:end], dtype=np.dtype(kinds[info['dtype']]).newbyteorder('<'))
        out[name] = torch.from_numpy(a.astype(np.float64).reshape(info['shape'])).to(dtype)
    return out, header.get('__metadata__', {})


def write_safetensors(path, tensors, metadata):
    header, off, blobs = {'__metadata__': metadata}, 0, []
    for name, t in tensors.items():
        a = t.detach().cpu().numpy().astype('<f8')
        header[name] = {'dtype': 'F64', 'shape': list(a.shape), 'data_offsets': [off, off + a.nbytes]}
        off += a.nbytes
        blobs.append(a.tobytes())
    raw = json.dumps(header).encode()
    raw += b' ' * ((8 - len(raw) % 8) % 8)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(raw)) + raw + b''.join(blobs))
    os.replace(path + '.tmp', path)


class Split:
    """One split as the workbench built it: x (n, tx, I) values or (n, tx) token ids, y (n, ty, O) values or (n, ty)
    class ids, mask (n, ty). Padded steps get what the workbench's batches hold there: target 0, and (aligned
    many-to-many) non-finite inputs 0."""

    def __init__(self, name, spec, dtype, device):
        def load(part):
            p = os.path.join(HERE, 'data', '%s_%s.npy' % (name, part))
            return np.load(p) if os.path.exists(p) else None

        x, y, mask = load('x'), load('y'), load('mask')
        self.n = int(x.shape[0])
        mask = np.ones((self.n, spec['ty']), dtype=np.float32) if mask is None else mask
        m0 = mask == 0
        if spec['task'] == 'regression':
            y = np.where(m0[:, :, None], 0, y)
        else:
            y = np.where(m0, 0, y)
        if spec['mapping'] == 'many-to-many' and not spec['tokens']:
            x = np.where(m0[:, :, None] & ~np.isfinite(x), 0, x)
        ids = spec['tokens']
        self.x = torch.from_numpy(x.astype(np.int64) if ids else x.astype(np.float64)).to(device)
        self.y = torch.from_numpy(y.astype(np.float64) if spec['task'] == 'regression' else y.astype(np.int64))
        self.y = self.y.to(device)
        self.mask = torch.from_numpy(mask.astype(np.float64)).to(device)
        if not ids:
            self.x = self.x.to(dtype)
        if spec['task'] == 'regression':
            self.y = self.y.to(dtype)
        self.mask = self.mask.to(dtype)

    def batch(self, idx):
        """Time-major (x, y, mask) of the samples idx."""
        i = torch.as_tensor(idx, dtype=torch.long, device=self.x.device)
        return self.x[i].transpose(0, 1), self.y[i].transpose(0, 1), self.mask[i].transpose(0, 1)


def load_model_module():
    spec = importlib.util.spec_from_file_location('workbench_model', os.path.join(HERE, 'model.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class TeacherForced(torch.nn.Module):
    """The workbench's training forward around model.py's network: teacher forcing for the generating mappings,
    windows [t0, t1) of x from a carried state for truncated BPTT. Returns (Σ masked loss, final state)."""

    def __init__(self, net, spec):
        super().__init__()
        self.net, self.spec = net, spec
        self.mapping, self.reg = spec['mapping'], spec['task'] == 'regression'
        self.O = spec['outputSize']

    def embed(self, x, width):
        return F.one_hot(x, width).to(self.net.head.weight.dtype) if x.dtype == torch.long else x

    def loss_sum(self, logits, y, mask):
        self.logits = logits  # the head's outputs (T, B, O): what the validation metrics read
        keep = mask != 0
        if self.reg:
            per = ((logits - y) ** 2).sum(-1)
        else:
            per = F.cross_entropy(logits.reshape(-1, self.O), y.reshape(-1), reduction='none').reshape(mask.shape)
        return torch.where(keep, per * mask, torch.zeros_like(per)).sum()

    def forward(self, x, y, mask, state=None, t0=0, t1=None):
        net, m, s = self.net, self.mapping, self.spec
        if m == 'seq2seq':
            _, st = net.encoder(self.embed(x, s['inputSize']), None)
            if self.reg:
                dec_in = torch.cat([torch.zeros_like(y[:1]), y[:-1]], 0)
            else:
                bos = torch.full_like(y[:1], self.O)
                dec_in = F.one_hot(torch.cat([bos, y[:-1]], 0), self.O + 1).to(net.head.weight.dtype)
            out, _ = net.decoder(dec_in, st)
            return self.loss_sum(net.head(out), y, mask), None
        if m == 'one-to-many':
            xi = self.embed(x, s['inputSize'])[0]
            prev = y[:-1] if self.reg else F.one_hot(y[:-1], self.O).to(xi.dtype)
            prev = torch.cat([torch.zeros(1, xi.shape[0], self.O, dtype=xi.dtype, device=xi.device), prev], 0)
            inp = torch.cat([xi.unsqueeze(0).expand(s['ty'], -1, -1), prev], -1)
            out, _ = net.rnn(inp, None)
            return self.loss_sum(net.head(out), y, mask), None
        t1 = s['tx'] if t1 is None else t1
        out, state = net.rnn(self.embed(x[t0:t1], s['inputSize']), state)
        if m == 'many-to-many':
            return self.loss_sum(net.head(out), y[t0:t1], mask[t0:t1]), state
        if t1 < s['tx']:
            return None, state
        return self.loss_sum(net.head(out[-1:]), y, mask), state


def level_at(z, lags, j, t):
    """Level j of the differenced series z at an observed row t (level 0 = the column itself)."""
    if j == 0:
        return float(z[t]) if t >= 0 else math.nan
    return level_at(z, lags, j - 1, t) - level_at(z, lags, j - 1, t - lags[j - 1])


def undifference(z, a, lags, d):
    """Adds differences back: d[i] is the value of row a + 1 + i, rows up to a are observed in z; level by level from
    the top, each value is its difference plus the level L rows earlier (observed, or reconstructed in this run)."""
    vals = list(d)
    for j in range(len(lags), 0, -1):
        L, below = lags[j - 1], [0.0] * len(vals)
        for i in range(len(vals)):
            below[i] = vals[i] + (below[i - L] if i - L >= 0 else level_at(z, lags, j - 1, a + 1 + i - L))
        vals = below
    return vals


class TargetUnits:
    """Model outputs (n, ty, O) -> the target's own units, as the workbench maps them (toUserUnits): invert the
    target normalisation, then add differences back onto the last rows each window observed - the steps that follow
    the whole window cumulatively over the horizon, a step whose row follows an observed one onto that row."""

    def __init__(self, u):
        self.a, self.b, self.lags, self.anchors = np.array(u['a']), np.array(u['b']), u['lags'], u['anchors']
        self.truth = np.load(os.path.join(HERE, 'data', 'val_truth.npy'))
        if self.lags:
            self.columns = np.load(os.path.join(HERE, 'data', 'series_targets.npy'))
            self.starts = np.load(os.path.join(HERE, 'data', 'val_starts.npy')).astype(np.int64)

    def __call__(self, pred):
        O = len(self.a) or 1
        flat = pred.reshape(-1)
        out = flat * self.b[np.arange(flat.size) % O] + self.a[np.arange(flat.size) % O]
        if self.lags:
            out = out.reshape(pred.shape)
            self.undifference(out, O)
        return out.reshape(pred.shape)

    def undifference(self, out, O):
        yStart, tx, ty = self.anchors['yStart'], self.anchors['tx'], self.anchors['ty']
        for k, s in enumerate(self.starts.tolist()):
            last_seen = s + tx - 1
            for o in range(O):
                h = 0
                while h < ty:
                    a, m = min(s + yStart + h - 1, last_seen), 1
                    while h + m < ty and min(s + yStart + h + m - 1, last_seen) == a:
                        m += 1
                    out[k, h:h + m, o] = undifference(self.columns[o], a, self.lags, out[k, h:h + m, o].tolist())
                    h += m


class ValMetrics:
    """The workbench's per-epoch validation metrics (src-worker/evaluation/metrics.ts), from the teacher-forced
    validation pass: regression {rmse, mae} over every window x step x output in the target's own units (the
    workbench keeps these predictions as float32 before mapping them back, and so does this); classification
    {accuracy} and generators {tokenAccuracy}: argmax over the counted steps. seq2seq decoders are judged
    free-running, in one extra pass fed their own predictions (greedy for tokens): {tokenAccuracy, exactMatch},
    or regression {rmse, mae}."""

    def __init__(self, spec, fitted):
        reg, m = spec['task'] == 'regression', spec['mapping']
        self.free, self.O, self.ty = m == 'seq2seq', spec['outputSize'], spec['ty']
        kinds = {'seq2seq': 'tokens', 'one-to-many': 'generation'}
        self.kind = 'regression' if reg else kinds.get(m, 'classification')
        u = fitted.get('targetUnits')
        self.units = TargetUnits(u) if reg and u else None
        self.reset()

    def reset(self):
        self.preds, self.hits, self.counted, self.exact, self.sequences = [], 0, 0, 0, 0

    def add(self, logits, y, mask):
        """One validation batch: the head's outputs (T, B, O), targets and mask, time-major."""
        if self.kind == 'regression':
            self.preds.append(logits.detach().transpose(0, 1).to(torch.float32).cpu().double().numpy())
            return
        keep = mask != 0
        hit = (logits.argmax(-1) == y) & keep
        self.hits += int(hit.sum())
        self.counted += int(keep.sum())
        if self.kind == 'tokens':
            self.exact += int((hit | ~keep).all(0).sum())
            self.sequences += int(keep.shape[1])

    def run_free(self, tf, x, y, mask):
        """A seq2seq decoder fed its own predictions from the encoder's final state: the previous step's argmax
        (<bos> first) for tokens, the previous values (zeros first) for regression."""
        net = tf.net
        _, st = net.encoder(tf.embed(x, tf.spec['inputSize']), None)
        B, dt = y.shape[1], net.head.weight.dtype
        prev = torch.zeros(1, B, self.O, dtype=dt, device=y.device)
        tok = torch.full((1, B), self.O, dtype=torch.long, device=y.device)
        outs = []
        for _ in range(self.ty):
            inp = prev if self.kind == 'regression' else F.one_hot(tok, self.O + 1).to(dt)
            out, st = net.decoder(inp, st)
            prev = net.head(out)
            tok = prev.argmax(-1)
            outs.append(prev)
        self.add(torch.cat(outs, 0), y, mask)

    def result(self, mask):
        """The epoch's finite metrics, or None; mask is the validation split's (n, ty)."""
        if self.kind == 'regression':
            m = self.regression(mask) if self.units is not None and self.preds else {}
        else:
            share = self.hits / self.counted if self.counted else math.nan
            m = {'accuracy' if self.kind == 'classification' else 'tokenAccuracy': share}
            if self.kind == 'tokens':
                m['exactMatch'] = self.exact / self.sequences if self.sequences else math.nan
        kept = {k: v for k, v in m.items() if math.isfinite(v)}
        return kept or None

    def regression(self, mask):
        units = self.units(np.concatenate(self.preds, 0))
        keep = np.repeat(mask.reshape(-1) != 0, units.shape[-1])
        d = (units - self.units.truth).reshape(-1)[keep]
        if d.size == 0:
            return {}
        return {'rmse': math.sqrt(float(np.sum(d * d)) / d.size), 'mae': float(np.sum(np.abs(d))) / d.size}


def detach(state):
    if state is None:
        return None
    return tuple(t.detach() for t in state) if isinstance(state, tuple) else state.detach()


class Dist:
    """torchrun / DistributedDataParallel, or a single process."""

    def __init__(self, device_arg):
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.rank = int(os.environ.get('RANK', '0'))
        local = int(os.environ.get('LOCAL_RANK', '0'))
        cuda = device_arg == 'cuda'
        if cuda and not torch.cuda.is_available():
            sys.exit('train.py: --device cuda but torch.cuda.is_available() is False')
        self.device = torch.device('cuda:%d' % local if cuda else 'cpu')
        if cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            torch.distributed.init_process_group('nccl' if cuda else 'gloo')
            if not cuda:
                torch.set_num_threads(max(1, (os.cpu_count() or 1) // self.world))

    def share(self, idx):
        """This process's rows of a batch (contiguous); (rows, weight) — an empty share computes one row at weight 0
        so every process joins every gradient all-reduce."""
        part = np.array_split(np.asarray(idx), self.world)[self.rank]
        return (part, 1.0) if len(part) else (np.asarray(idx[:1]), 0.0)

    def total(self, v):
        if self.world == 1:
            return v
        t = torch.tensor([v], dtype=torch.float64, device=self.device)
        torch.distributed.all_reduce(t)
        return float(t.item())

    def exit(self, code):
        """Ends the process with `code`. Several processes meet at a barrier first and then leave with os._exit once
        their output is flushed: tearing down DistributedDataParallel under gloo can deadlock in torch 1.13 (the
        reducer's process group joins a gloo thread that is waiting for the interpreter lock the tearing-down
        thread holds), which would leave torchrun waiting for that process forever."""
        if self.world == 1:
            return code
        torch.distributed.barrier()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def grad_norm(params, clip):
    if clip > 0:
        return float(torch.nn.utils.clip_grad_norm_(params, clip))
    return float(torch.norm(torch.stack([p.grad.detach().norm() for p in params if p.grad is not None])))


def make_optimizer(cfg, params):
    o, kind, wd = cfg['optimizer'], cfg['optimizer']['kind'], cfg['optimizer'].get('weightDecay', 0) or 0
    if kind == 'adam':
        return torch.optim.Adam(params, lr=o['lr'], betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    if kind == 'sgd':
        return torch.optim.SGD(params, lr=o['lr'], weight_decay=wd)
    if kind == 'momentum':
        return torch.optim.SGD(params, lr=o['lr'], momentum=o.get('momentum', 0.9) or 0.9, weight_decay=wd)
    if kind == 'rmsprop':
        return torch.optim.RMSprop(
            params, lr=o['lr'], alpha=0.99, eps=1e-8, momentum=o.get('momentum', 0) or 0, weight_decay=wd
        )
    raise SystemExit('train.py: unknown optimizer %r' % kind)


class Run:
    """One training run: the workbench's loop (trainer.ts) step for step."""

    def __init__(self, cfg, args, dist):
        self.cfg, self.args, self.dist = cfg, args, dist
        tc, spec = cfg['train'], cfg['data']
        self.tc, self.spec = tc, spec
        self.dtype = torch.float64 if tc.get('dtype') == 'float64' else torch.float32
        self.epochs = args.epochs if args.epochs is not None else tc['epochs']
        mod = load_model_module()
        net = mod.WorkbenchModel().to(self.dtype)
        state, _ = read_safetensors(os.path.join(HERE, 'data', 'initial_weights.safetensors'), self.dtype)
        net.load_state_dict(mod.rename(state))
        for rnn in (getattr(net, k, None) for k in ('rnn', 'encoder', 'decoder')):
            if rnn is not None and hasattr(rnn, 'dropout'):
                rnn.dropout = float(tc['model'].get('dropout', 0) or 0)
        self.net = net.to(dist.device)
        self.names = list(state.keys())
        self.tf = TeacherForced(self.net, spec)
        self.ddp = self.tf
        if dist.world > 1:
            ids = [dist.device.index] if dist.device.type == 'cuda' else None
            self.ddp = torch.nn.parallel.DistributedDataParallel(self.tf, device_ids=ids)
        self.params = list(self.net.parameters())
        self.opt = make_optimizer(tc, self.params)
        self.sched = LrSchedule(tc.get('schedule'), tc['optimizer']['lr'], self.epochs)
        self.train = Split('train', spec, self.dtype, dist.device)
        self.val = Split('val', spec, self.dtype, dist.device)
        with open(os.path.join(HERE, 'data', 'fitted.json')) as f:
            self.metrics = ValMetrics(spec, json.load(f))
        self.bmax = cfg['batchMax']
        self.rng = Sfc32(cfg['rngAfterInit'])
        self.order = list(range(self.train.n))
        k = tc.get('tbptt') or 0
        self.k = k if (0 < k < spec['tx'] and not tc['model'].get('bidirectional')
                       and spec['mapping'] in ('many-to-many', 'many-to-one')) else 0

    def den(self, mask):
        d = float(mask.sum())
        return d * self.spec['outputSize'] if self.spec['task'] == 'regression' else d

    def evaluate(self, split, metrics=None):
        """The split's mean loss; with `metrics`, also its validation metrics (None when there are none)."""
        if split.n == 0:
            return math.nan, None
        self.net.eval()
        total, den = 0.0, 0.0
        if metrics is not None:
            metrics.reset()
        with torch.no_grad():
            for start in range(0, split.n, self.bmax):
                x, y, m = split.batch(list(range(start, min(split.n, start + self.bmax))))
                s, _ = self.tf(x, y, m)
                total, den = total + float(s), den + self.den(m)
                if metrics is not None:
                    if metrics.free:
                        metrics.run_free(self.tf, x, y, m)
                    else:
                        metrics.add(self.tf.logits, y, m)
        self.net.train()
        vm = metrics.result(split.mask.cpu().numpy()) if metrics is not None else None
        return (total / den if den > 0 else math.nan), vm

    def step(self, idx, epoch, s):
        """One mini-batch (every TBPTT window of it). Returns (Σ loss·den, Σ den, message if non-finite)."""
        x, y, m = self.train.batch(idx)
        rows, weight = self.dist.share(idx)
        lx, ly, lm = self.train.batch(rows)
        T = self.spec['tx']
        windows = [(a, min(T, a + self.k)) for a in range(0, T, self.k)] if self.k else [(0, None)]
        state, loss_sum, den_sum = None, 0.0, 0.0
        for t0, t1 in windows:
            wm = m if t1 is None or self.spec['mapping'] != 'many-to-many' else m[t0:t1]
            den = self.den(wm) if (t1 is None or t1 == T or self.spec['mapping'] == 'many-to-many') else 0.0
            if den == 0:
                with torch.no_grad():
                    _, state = self.tf(lx, ly, lm, state, t0, t1)
                state = detach(state)
                continue
            self.opt.zero_grad()
            local, state = self.ddp(lx, ly, lm, state, t0, t1)
            state = detach(state)
            (local * (weight * self.dist.world / den)).backward()
            total = self.dist.total(float(local) * weight)
            norm = grad_norm(self.params, self.tc.get('clipNorm') or 0)
            loss = total / den
            if not math.isfinite(loss) or not math.isfinite(norm):
                what, v = ('gradient norm', norm) if math.isfinite(loss) else ('loss', loss)
                return loss_sum, den_sum, 'non-finite %s (%s) at epoch %d, step %d' % (what, v, epoch, s + 1)
            self.opt.step()
            loss_sum, den_sum = loss_sum + loss * den, den_sum + den
        return loss_sum, den_sum, None

    def snapshot(self):
        return [p.detach().clone() for p in self.params], copy.deepcopy(self.opt.state_dict())

    def restore(self, snap, opt_too=True):
        with torch.no_grad():
            for p, v in zip(self.params, snap[0]):
                p.copy_(v)
        if opt_too:
            lr = self.opt.param_groups[0]['lr']
            self.opt.load_state_dict(copy.deepcopy(snap[1]))
            self.set_lr(lr)

    def set_lr(self, lr):
        for g in self.opt.param_groups:
            g['lr'] = lr

    def epoch(self, epoch):
        """One epoch; returns (trainLoss, warning, failure)."""
        self.set_lr(self.sched.lr)
        self.rng.shuffle(self.order)
        loss_sum, den_sum, n = 0.0, 0.0, self.train.n
        for s in range(math.ceil(n / self.bmax)):
            ls, ds, bad = self.step(self.order[s * self.bmax:min(n, (s + 1) * self.bmax)], epoch, s)
            if bad is None:
                loss_sum, den_sum = loss_sum + ls, den_sum + ds
                continue
            if self.tc.get('nanPolicy', 'fail') == 'fail':
                if not all(bool(torch.isfinite(p).all()) for p in self.params):
                    self.restore(self.good, opt_too=False)
                return None, None, bad
            self.reverts += 1
            if self.reverts > 5:
                return None, None, bad + '; gave up after 5 reverts'
            self.restore(self.good)
            lr = self.opt.param_groups[0]['lr'] * 0.5
            self.set_lr(lr)
            return (loss_sum / den_sum if den_sum > 0 else math.nan,
                    '%s: reverted to the weights at the start of epoch %d and halved the learning rate to %r'
                    % (bad, epoch, lr), None)
        return loss_sum / den_sum if den_sum > 0 else math.nan, None, None

    def fit(self, emit):
        """The epochs, early stopping and the NaN policy; returns the summary."""
        self.good, self.reverts = self.snapshot(), 0
        best, best_epoch, bad, best_params = math.inf, 0, 0, None
        es = (self.tc.get('earlyStopping') or {}).get('patience')
        log, status, error, stopped_early = [], 'completed', None, False
        for epoch in range(1, self.epochs + 1):
            t0 = time.time()
            train_loss, warning, failure = self.epoch(epoch)
            if failure:
                status, error = 'failed', failure
                break
            if warning:
                self.sched.scale_base(0.5)
            val_loss, vm = self.evaluate(self.val, self.metrics)
            line = {'epoch': epoch, 'trainLoss': finite(train_loss), 'valLoss': finite(val_loss), 'valMetrics': vm}
            log.append(line)
            emit(line, warning, time.time() - t0)
            if not warning:
                self.good = self.snapshot()
            metric = val_loss if math.isfinite(val_loss) else train_loss
            self.sched.end_epoch(epoch, metric)
            if metric < best:
                best, best_epoch, bad = metric, epoch, 0
                if es:
                    best_params = [p.detach().clone() for p in self.params]
            elif es:
                bad += 1
                if bad >= es:
                    stopped_early = True
                    break
        if stopped_early and best_params is not None:
            self.restore((best_params, None), opt_too=False)
        last = next((e for e in log if e['epoch'] == best_epoch), None) if stopped_early else (log[-1] if log else None)
        summary = {'status': status, 'trainLoss': last and last['trainLoss'], 'valLoss': last and last['valLoss'],
                   'epochsDone': len(log)}
        summary['valMetrics'] = last and last['valMetrics']
        if es:
            summary.update(stoppedEarly=stopped_early, bestEpoch=best_epoch)
        if error:
            summary['error'] = error
        return log, summary

    def state_dict(self):
        """The weights under the workbench's (and model.py's weight file's) names."""
        own = self.net.state_dict()
        inner = {k[len('rnn.'):] if k.startswith('rnn.') else k: v for k, v in own.items()}
        return {name: inner[name] for name in self.names}


def finite(v):
    return v if v is not None and math.isfinite(v) else None


def where_trained(dist):
    dev = dist.device
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu'
    procs = '' if dist.world == 1 else ', %d processes (DistributedDataParallel)' % dist.world
    return 'PyTorch %s on %s%s' % (torch.__version__, name, procs)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Train this RNN Workbench experiment with PyTorch.')
    ap.add_argument('--epochs', type=int, help='number of epochs (default: the run\'s)')
    ap.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    ap.add_argument('--json', action='store_true', help='one JSON line per epoch, then a summary line')
    ap.add_argument('--out', help='final weights (safetensors; default run/final.safetensors)')
    args = ap.parse_args(argv)
    if args.epochs is not None and args.epochs < 0:
        ap.error('--epochs must be >= 0')
    with open(os.path.join(HERE, 'config.json')) as f:
        cfg = json.load(f)
    dist = Dist(args.device)
    torch.manual_seed(cfg['train']['seed'])  # dropout masks come from PyTorch's generator
    run = Run(cfg, args, dist)
    lead = dist.rank == 0

    def emit(line, warning, seconds):
        if not lead:
            return
        if args.json:
            print(json.dumps(line), flush=True)
        else:
            fmt = lambda v: 'n/a' if v is None else '%.6g' % v
            print('epoch %d: train %s  val %s  (%.2f s)' % (line['epoch'], fmt(line['trainLoss']),
                                                         fmt(line['valLoss']), seconds), flush=True)
        if warning:
            print('warning: ' + warning, file=sys.stderr, flush=True)

    log, summary = run.fit(emit)
    summary['trainedOn'] = where_trained(dist)
    if lead:
        out = args.out or os.path.join(HERE, 'run', 'final.safetensors')
        meta = {'log': json.dumps(log), 'summary': json.dumps(summary), 'source': json.dumps(cfg['source'])}
        write_safetensors(out, run.state_dict(), meta)
        os.makedirs(os.path.join(HERE, 'run'), exist_ok=True)
        with open(os.path.join(HERE, 'run', 'log.jsonl'), 'w') as f:
            for line in log:
                f.write(json.dumps(line) + '\n')
            f.write(json.dumps(dict(summary, checkpoint=os.path.abspath(out))) + '\n')
        print(json.dumps(summary) if args.json else 'run %s: %s' % (summary['status'], summary['trainedOn']), flush=True)
    return dist.exit(0 if summary['status'] == 'completed' else 3)


if __name__ == '__main__':
    sys.exit(main())
