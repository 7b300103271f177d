#!/usr/bin/env python3
"""Independent numpy reference for the normalization layers (tests/norm/*.test.ts).

Written from the papers / PyTorch documentation, not from the TypeScript: backward passes use
the chain rule through mean and variance step by step (Ioffe & Szegedy 2015, Alg. 1 and its
derivatives), not the compact closed form the layers use.

Inputs are drawn with a fixed seed, rounded to float32 (what the layers see), and every
computation is done in float64. Writes tests/norm/fixtures/norm-reference.json.
Run: python3 scripts/reference/make_fixtures.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240607)
EPS = 1e-5


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def rand(*shape, loc=0.0, scale=1.0):
    return f32(rng.normal(loc, scale, size=shape))


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def to_nchw_axes(x):
    """Reduction axes for per-channel statistics: all but axis 1."""
    return (0,) + tuple(range(2, x.ndim))


def channel_view(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


# ---------------------------------------------------------------- BatchNorm
def bn_forward_train(x, gamma, beta, eps=EPS):
    ax = to_nchw_axes(x)
    mu = x.mean(axis=ax)
    var = x.var(axis=ax)  # biased, as BN normalizes
    xhat = (x - channel_view(mu, x.ndim)) / np.sqrt(channel_view(var, x.ndim) + eps)
    y = channel_view(gamma, x.ndim) * xhat + channel_view(beta, x.ndim)
    return y, mu, var, xhat


def bn_backward_chain(x, dy, gamma, eps=EPS, scale=None):
    """Chain rule through mu and var (Ioffe & Szegedy 2015). scale multiplies dxhat (BRN's r)."""
    ax = to_nchw_axes(x)
    n = x.size // x.shape[1]
    mu = channel_view(x.mean(axis=ax), x.ndim)
    var = channel_view(x.var(axis=ax), x.ndim)
    xmu = x - mu
    inv = 1.0 / np.sqrt(var + eps)
    dxhat = dy * channel_view(gamma, x.ndim)
    if scale is not None:
        dxhat = dxhat * channel_view(scale, x.ndim)
    dvar = np.sum(dxhat * xmu, axis=ax, keepdims=True) * -0.5 * inv**3
    dmu = np.sum(-dxhat * inv, axis=ax, keepdims=True) + dvar * np.mean(-2.0 * xmu, axis=ax, keepdims=True)
    return dxhat * inv + dvar * 2.0 * xmu / n + dmu / n


def bn_case(shape, name):
    c = shape[1]
    x = rand(*shape, loc=0.0, scale=1.0) * channel_view(f32(rng.uniform(0.5, 3.0, c)), len(shape)) + channel_view(
        f32(rng.normal(0, 2, c)), len(shape)
    )
    x = f32(x)
    gamma = f32(rng.uniform(0.5, 1.5, c))
    beta = f32(rng.normal(0, 0.5, c))
    dy = rand(*shape)
    y, mu, var, xhat = bn_forward_train(x, gamma, beta)
    dx = bn_backward_chain(x, dy, gamma)
    ax = to_nchw_axes(x)
    n = x.size // c
    # Eval with given running statistics.
    rm = f32(rng.normal(0, 1, c))
    rv = f32(rng.uniform(0.5, 2.0, c))
    y_eval = channel_view(gamma, x.ndim) * (x - channel_view(rm, x.ndim)) / np.sqrt(channel_view(rv, x.ndim) + EPS) + channel_view(beta, x.ndim)
    dx_eval = dy * channel_view(gamma / np.sqrt(rv + EPS), x.ndim)
    # Non-affine training forward / backward.
    y_na, _, _, _ = bn_forward_train(x, np.ones(c), np.zeros(c))
    dx_na = bn_backward_chain(x, dy, np.ones(c))
    return {
        "name": name,
        "shape": list(shape),
        "x": flat(x),
        "gamma": flat(gamma),
        "beta": flat(beta),
        "dy": flat(dy),
        "y": flat(y),
        "dx": flat(dx),
        "dgamma": flat(np.sum(dy * xhat, axis=ax)),
        "dbeta": flat(np.sum(dy, axis=ax)),
        "yNoAffine": flat(y_na),
        "dxNoAffine": flat(dx_na),
        # Running statistics after ONE training step from the defaults (0, 1), momentum 0.1.
        "runningMean1": flat(0.9 * 0 + 0.1 * mu),
        "runningVar1": flat(0.9 * 1 + 0.1 * var * n / (n - 1)),
        "evalRunningMean": flat(rm),
        "evalRunningVar": flat(rv),
        "yEval": flat(y_eval),
        "dxEval": flat(dx_eval),
        "dgammaEval": flat(np.sum(dy * (x - channel_view(rm, x.ndim)) / np.sqrt(channel_view(rv, x.ndim) + EPS), axis=ax)),
    }


def running_case(shape, steps, momentum):
    c = shape[1]
    xs = [f32(rand(*shape, scale=1.5) + 0.7 * k) for k in range(steps)]
    rm = np.zeros(c)
    rv = np.ones(c)
    means, variances = [], []
    for k, x in enumerate(xs):
        ax = to_nchw_axes(x)
        m = (1.0 / (k + 1)) if momentum is None else momentum
        rm = (1 - m) * rm + m * x.mean(axis=ax)
        rv = (1 - m) * rv + m * x.var(axis=ax, ddof=1)
        means.append(flat(rm))
        variances.append(flat(rv))
    return {
        "shape": list(shape),
        "momentum": momentum,
        "xs": [flat(x) for x in xs],
        "runningMean": means,
        "runningVar": variances,
    }


# ---------------------------------------------------------------- GroupNorm / LayerNorm / InstanceNorm
def gn_forward_backward(x, groups, gamma, beta, dy, eps=EPS):
    n, c = x.shape[:2]
    xg = x.reshape(n, groups, -1)
    mu = xg.mean(axis=2, keepdims=True)
    var = xg.var(axis=2, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    xhat_g = (xg - mu) * inv
    xhat = xhat_g.reshape(x.shape)
    y = channel_view(gamma, x.ndim) * xhat + channel_view(beta, x.ndim)
    m = xg.shape[2]
    dxhat = (dy * channel_view(gamma, x.ndim)).reshape(n, groups, -1)
    xmu = xg - mu
    dvar = np.sum(dxhat * xmu, axis=2, keepdims=True) * -0.5 * inv**3
    dmu = np.sum(-dxhat * inv, axis=2, keepdims=True) + dvar * np.mean(-2.0 * xmu, axis=2, keepdims=True)
    dx = (dxhat * inv + dvar * 2.0 * xmu / m + dmu / m).reshape(x.shape)
    ax = to_nchw_axes(x)
    return y, dx, np.sum(dy * xhat, axis=ax), np.sum(dy, axis=ax)


def per_sample_case(kind, shape, groups):
    c = shape[1]
    x = f32(rand(*shape, scale=2.0) + 0.5)
    gamma = f32(rng.uniform(0.5, 1.5, c))
    beta = f32(rng.normal(0, 0.5, c))
    dy = rand(*shape)
    y, dx, dg, db = gn_forward_backward(x, groups, gamma, beta, dy)
    return {
        "kind": kind,
        "groups": groups,
        "shape": list(shape),
        "x": flat(x),
        "gamma": flat(gamma),
        "beta": flat(beta),
        "dy": flat(dy),
        "y": flat(y),
        "dx": flat(dx),
        "dgamma": flat(dg),
        "dbeta": flat(db),
    }


# ---------------------------------------------------------------- Batch Renorm
def brn_case(rmax_final, dmax_final, warmup, ramp, steps):
    """Ioffe 2017 Algorithm 1 over several steps; per step: y, dx, r, d, moving mu and sigma."""
    shape = (8, 4)
    c = shape[1]
    gamma = f32(rng.uniform(0.5, 1.5, c))
    beta = f32(rng.normal(0, 0.5, c))
    momentum = 0.1
    mu_mov = np.zeros(c)
    sigma_mov = np.ones(c)
    out = []
    for step in range(steps):
        # Channel 0 drifts far (d clips), channel 1 has large spread (r clips), 2-3 moderate.
        x = rand(*shape) * f32([1.0, 4.0, 1.1, 0.9]) + f32([3.0 + step, 0.0, 0.2, -0.1])
        x = f32(x)
        dy = rand(*shape)
        t = 0.0 if step < warmup else (1.0 if ramp <= 0 else min(1.0, (step - warmup) / ramp))
        rmax = 1 + t * (rmax_final - 1)
        dmax = t * dmax_final
        mu_b = x.mean(axis=0)
        sigma_b = np.sqrt(x.var(axis=0) + EPS)
        r = np.clip(sigma_b / sigma_mov, 1 / rmax, rmax)
        d = np.clip((mu_b - mu_mov) / sigma_mov, -dmax, dmax)
        xhat = (x - mu_b) / sigma_b * r + d
        y = gamma * xhat + beta
        dx = bn_backward_chain(x, dy, gamma, scale=r)
        dgamma = np.sum(dy * xhat, axis=0)
        mu_mov = mu_mov + momentum * (mu_b - mu_mov)
        sigma_mov = sigma_mov + momentum * (sigma_b - sigma_mov)
        out.append({
            "step": step,
            "x": flat(x),
            "dy": flat(dy),
            "y": flat(y),
            "dx": flat(dx),
            "dgamma": flat(dgamma),
            "dbeta": flat(dy.sum(axis=0)),
            "r": flat(r),
            "d": flat(d),
            "rClipped": int(np.sum((r <= 1 / rmax) | (r >= rmax))),
            "dClipped": int(np.sum(np.abs(d) >= dmax)),
            "movingMean": flat(mu_mov),
            "movingStd": flat(sigma_mov),
        })
    # Eval with the final moving statistics.
    xe = f32(rand(5, c) + 1.0)
    ye = gamma * (xe - mu_mov) / sigma_mov + beta
    return {
        "shape": list(shape),
        "gamma": flat(gamma),
        "beta": flat(beta),
        "momentum": momentum,
        "rmax": rmax_final,
        "dmax": dmax_final,
        "warmup": warmup,
        "ramp": ramp,
        "steps": out,
        "evalX": flat(xe),
        "evalY": flat(ye),
    }


# ---------------------------------------------------------------- PreciseBN
def precise_case():
    """Wu & Johnson 2021: mu_pop = E[mu_B], var_pop = E[mu_B^2 + var_B] - mu_pop^2 (biased var_B),
    equal batches; unbiased with the TOTAL count N = K*n."""
    k, n, c = 6, 4, 3
    xs = [f32(rand(n, c, scale=2.0) + f32([1.0, -2.0, 50.0])) for _ in range(k)]
    mus = np.array([x.mean(axis=0) for x in xs])
    vars_b = np.array([x.var(axis=0) for x in xs])
    mu_pop = mus.mean(axis=0)
    var_pop_biased = (mus**2 + vars_b).mean(axis=0) - mu_pop**2
    total = k * n
    return {
        "batch": n,
        "channels": c,
        "xs": [flat(x) for x in xs],
        "mean": flat(mu_pop),
        "var": flat(var_pop_biased * total / (total - 1)),
        "varAllUnbiased": flat(np.concatenate(xs).var(axis=0, ddof=1)),
    }


# ---------------------------------------------------------------- Spectral norm
def spectral_case():
    w = f32(rng.normal(0, 1, size=(5, 12)))
    return {"shape": [5, 12], "w": flat(w), "sigmaMax": float(np.linalg.svd(w, compute_uv=False)[0])}


def main():
    fixture = {
        "eps": EPS,
        "bn": [bn_case((7, 3), "bn2d"), bn_case((3, 2, 3, 4), "bn4d")],
        "running": [running_case((5, 3), 4, 0.1), running_case((5, 3), 4, None), running_case((2, 2, 2, 3), 3, 0.1)],
        "perSample": [
            per_sample_case("group", (3, 4, 2, 3), 1),
            per_sample_case("group", (3, 4, 2, 3), 2),
            per_sample_case("group", (3, 4, 2, 3), 4),
            per_sample_case("layer", (4, 6), 1),
            per_sample_case("layer", (2, 3, 2, 2), 1),
            per_sample_case("instance", (2, 3, 3, 3), 3),
        ],
        "brn": brn_case(rmax_final=1.5, dmax_final=0.5, warmup=1, ramp=2, steps=5),
        "precise": precise_case(),
        "spectral": spectral_case(),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "..", "tests", "norm", "fixtures", "norm-reference.json")
    with open(out, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
