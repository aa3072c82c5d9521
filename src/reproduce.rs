//! `reproduce.py`: a self-contained NumPy script that redoes a run's exact-gradient descent and
//! writes theta per step in `theta.csv`'s format. It embeds the world's numbers as the Rust
//! world made them and holds only the code its settings need: the model in about a hundred
//! lines a student can read. The command line and the page's export both print it from here.

use crate::designs::uses_quality;
use crate::settings::{Design, Labels, Model, Settings};
use crate::world::World;

/// Why the script's run differs from the one these settings describe, if it does: it always
/// steps along the exact gradient.
pub fn departure(s: &Settings) -> Option<String> {
    (!s.exact).then(|| {
        format!(
            "these settings draw minibatches of {} pairs (exact=0); the script always takes the exact \
             gradient, so it redoes the run with exact=1",
            s.batch
        )
    })
}

/// Numbers as Python literals: the shortest text that reads back to the same f64.
fn list(values: impl Iterator<Item = f64>) -> String {
    values.map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
}

/// The script for `steps` exact-gradient steps of `s` on `world`.
pub fn script(s: &Settings, world: &World, steps: u64) -> String {
    let n = world.n();
    let restricted = s.support_size().min(n) < n;
    let tilts = uses_quality(s.design);
    // The base sampler matters only to a support or a tilt; online it follows the policy.
    let online = s.on_policy != 0.0 && (restricted || tilts);
    let moves = online || s.design == Design::MixP;
    let linear = s.model == Model::Linear;
    let bvw = s.design == Design::BestVsWorst;
    let mix = matches!(s.design, Design::MixR | Design::MixP);
    let sharp = (s.labels == Labels::BradleyTerry && !bvw) || s.design == Design::MixR;

    let model = if linear {
        "the linear alignment model (theta in R^2, scores <theta, phi_i>)"
    } else {
        "a tabular policy (one logit theta_i per response)"
    };
    let pairs = match s.design {
        Design::Independent => "independent (both candidates from pi_q)",
        Design::Contrastive => "contrastive (one candidate from pi_q, one from pi_0)",
        Design::BestVsWorst => "best vs worst (of K draws from pi_q)",
        Design::MixR => "Mix-R (every pair of the support, weighted by the true reward)",
        Design::MixP => "Mix-P (every pair of the support, weighted by the policy)",
    };
    let labels = match (bvw, s.labels) {
        (true, _) => "the better one chosen",
        (false, Labels::BradleyTerry) => "labelled by a Bradley-Terry coin",
        (false, Labels::Oracle) => "labelled by the higher reward",
    };
    let sampling = match (online, restricted || tilts) {
        (true, _) => ", sampled online",
        (false, true) => ", sampled offline",
        (false, false) => "",
    };
    let note = departure(s).map_or(String::new(), |d| wrap(&format!("Note: {d}.")) + "\n");

    let mut py = format!(
        r#""""DPO on one prompt with exact gradients, redone in NumPy (made by `dpo-sim reproduce`).

{settings}
Model: {model}.
Pairs: {pairs}, {labels}{sampling}.
Each step is plain gradient descent on the exact population DPO loss.
{note}
Usage: python reproduce.py theta.csv  (NumPy only) writes theta at steps 0..{steps} as dpo-sim's
theta.csv does; `dpo-sim run` with these settings and exact=1 agrees to 1e-9.
"""
import sys

import numpy as np

STEPS = {steps}
BETA = {beta:?}  # DPO temperature: a pair's margin is beta (h(chosen) - h(rejected))
LR = {lr:?}  # learning rate
"#,
        settings = wrap(&format!("Settings: {}", s.to_query())),
        beta = s.beta,
        lr = s.lr,
    );
    if sharp {
        py += &format!(
            "S = {:?}  # preference sharpness: P(i preferred to j) = sigma(S (r_i - r_j))\n",
            s.sharpness
        );
    }
    if bvw {
        py += &format!("K = {}  # draws per pair\n", s.k);
    }
    if tilts {
        py += &format!(
            "QUALITY = {:?}  # pi_q ∝ pi_0 exp(4 QUALITY z): tilts the sampler toward high reward\n",
            s.quality
        );
    }
    if restricted {
        py += &format!(
            "SUPPORT = {}  # the sampler emits only this many responses, ceil(support N) with support = {:?}\n",
            s.support_size().min(n),
            s.support
        );
    }
    if online {
        py += &format!(
            "ONLINE = {:?}  # on-policy fraction: the sampler mixes in the current policy\n",
            s.on_policy
        );
    }

    py += &format!(
        "\n# The world dpo-sim made: per response its true reward r_i{}, log pi_ref(i).\n",
        if linear { ", features phi_i" } else { "" }
    );
    py += &format!("REWARD = np.array([{}])\n", list(world.reward.iter().copied()));
    if linear {
        let rows: Vec<String> = world
            .features
            .iter()
            .map(|p| format!("[{:?}, {:?}]", p[0], p[1]))
            .collect();
        py += &format!("FEATURES = np.array([{}])\n", rows.join(", "));
    }
    py += &format!("REF_LOGP = np.array([{}])\n", list(world.ref_logp.iter().copied()));
    py += "N = len(REWARD)\n";
    if restricted || tilts {
        py += "REF = np.exp(REF_LOGP)  # pi_ref\n";
    }
    if tilts {
        py += "Z = REWARD - REWARD.mean()\n";
        py += "Z = Z / np.sqrt(np.mean(Z**2)) if Z.any() else Z  # the reward standardised (0 if all are equal)\n";
    }
    if !bvw {
        py += match s.labels {
            Labels::BradleyTerry => {
                "PREFER = np.exp(-np.logaddexp(0.0, -S * (REWARD[:, None] - REWARD[None, :])))  # P(i preferred to j)\n"
            }
            Labels::Oracle => {
                "PREFER = (np.sign(REWARD[:, None] - REWARD[None, :]) + 1) / 2  # the higher reward wins\n"
            }
        };
    }

    py += r#"

def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + e^-x), without overflow

"#;
    py += if linear {
        r#"
def scores(theta):
    """f_i = <theta, phi_i>; log pi_theta(i) = log pi_ref(i) + f_i - logsumexp(log pi_ref + f)."""
    return FEATURES @ theta
"#
    } else {
        r#"
def scores(theta):
    """f_i = theta_i; log pi_theta(i) = log pi_ref(i) + f_i - logsumexp(log pi_ref + f)."""
    return theta
"#
    };
    if online {
        py += r#"

def policy(theta):
    logits = REF_LOGP + scores(theta)
    return np.exp(logits - np.logaddexp.reduce(logits))
"#;
    }
    if restricted {
        py += r#"

def support(base):
    """The SUPPORT responses the base sampler likes most (ties by index): all it can emit."""
    return np.argsort(-base, kind="stable")[:SUPPORT]
"#;
    }
    if tilts {
        py += r#"

def sampler(base, keep):
    """pi_0: base on the support, renormalised; pi_q: pi_0 tilted toward high reward."""
    pi0 = np.zeros(N)
    pi0[keep] = base[keep] / base[keep].sum()
    piq = pi0 * np.exp(4 * QUALITY * (Z - Z.max()))
    return pi0, piq / piq.sum()
"#;
    }

    py += &format!(
        "\n\ndef pair_law({}):\n    \"\"\"W[i, j]: the probability that a drawn pair has chosen i and rejected j.\"\"\"\n",
        if moves { "theta" } else { "" }
    );
    if restricted {
        py += if online {
            "    base = (1 - ONLINE) * REF + ONLINE * policy(theta)  # the sampler follows the policy\n"
        } else {
            "    base = REF  # offline: the sampler starts from the reference\n"
        };
        py += "    keep = support(base)\n";
    } else {
        if tilts {
            py += if online {
                "    base = (1 - ONLINE) * REF + ONLINE * policy(theta)  # the sampler follows the policy\n"
            } else {
                "    base = REF  # offline: the sampler starts from the reference\n"
            };
        }
        py += "    keep = np.arange(N)  # the support: every response\n";
    }
    if tilts {
        py += if s.design == Design::Contrastive {
            "    pi0, piq = sampler(base, keep)\n"
        } else {
            "    _, piq = sampler(base, keep)\n"
        };
    }
    py += match s.design {
        Design::Independent => "    C = 2 * np.outer(piq, piq)  # both candidates from pi_q, in either order\n",
        Design::Contrastive => {
            "    C = np.outer(piq, pi0) + np.outer(pi0, piq)  # one candidate from pi_q, one from pi_0\n"
        }
        Design::BestVsWorst => {
            r#"    order = sorted(keep, key=lambda i: (REWARD[i], i))  # worst to best, ties by index
    F = np.concatenate(([0.0], np.cumsum(piq[order])))
    lo, hi = np.arange(len(F))[:, None], np.arange(len(F))[None, :]
    A = np.where(lo < hi, np.maximum(F[hi] - F[lo], 0.0) ** K, 0.0)  # all K draws in positions lo..hi-1
    P = A[:-1, 1:] - A[1:, 1:] - A[:-1, :-1] + A[1:, :-1]  # P[b, a]: worst at b, best at a
    W = np.zeros((N, N))
    W[np.ix_(order, order)] = np.tril(np.maximum(P.T, 0.0), -1)  # chosen a above rejected b
    return W / W.sum()
"#
        }
        Design::MixR | Design::MixP => {
            if s.design == Design::MixR {
                "    a = S * REWARD  # Mix-R: pairs weighted by the true reward\n"
            } else {
                "    a = BETA * scores(theta)  # Mix-P: by the policy's implicit reward beta h (up to a constant)\n"
            }
        }
    };
    if mix {
        py += r#"    d = np.abs(a[keep, None] - a[None, keep])
    log_c = d + 2 * np.log1p(np.exp(-d))  # log 1 / (sigma(d) sigma(-d)): the inverse curvature
    C = np.zeros((N, N))
    C[np.ix_(keep, keep)] = np.exp(log_c - log_c.max())  # the scale cancels below
"#;
    }
    if !bvw {
        py += r#"    np.fill_diagonal(C, 0.0)  # the same response twice is no pair: it is drawn again
    W = C * PREFER
    return W / W.sum()
"#;
    }

    py += &format!(
        r#"

def loss_and_gradient(theta, W):
    """L = -sum W log sigma(m), m_ij = BETA (f_i - f_j), and its gradient in theta."""
    f = scores(theta)
    m = BETA * (f[:, None] - f[None, :])
    G = W * sigmoid(-m)  # how hard each pair still pulls its margin up
    grad_f = -BETA * (G.sum(axis=1) - G.sum(axis=0))
    return np.sum(W * np.logaddexp(0.0, -m)), {pull}


def cell(x):
    """x as dpo-sim's CSV files write it: the shorter of its shortest plain and scientific forms."""
    x = float(x) + 0.0  # -0 is written 0
    plain = np.format_float_positional(x, trim="-")
    short = np.format_float_scientific(x, trim="-", exp_digits=1).replace("e+", "e")
    whole = x.is_integer() and abs(x) < 1e15
    return short if len(short) < len(plain) and not whole else plain


def main(path):
    theta = {start}
{fixed}    with open(path, "w") as out:
        out.write("step," + ",".join(f"theta_{{k}}" for k in range(len(theta))) + "\n")
        out.write("0," + ",".join(map(cell, theta)) + "\n")
        start = None
        for step in range(1, STEPS + 1):
{moving}            loss, grad = loss_and_gradient(theta, W)
            start = loss if start is None else start
            # dpo-sim stops here too: the step was too large.
            if not loss <= max(1000, 10 * start):
                sys.exit(f"diverged at step {{step - 1}}: the loss reached {{loss:.3e}}")
            theta = theta - LR * grad
            if not np.isfinite(theta).all():
                sys.exit(f"diverged at step {{step}}: theta is not finite")
            out.write(f"{{step}}," + ",".join(map(cell, theta)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python reproduce.py theta.csv")
    main(sys.argv[1])
"#,
        pull = if linear { "FEATURES.T @ grad_f" } else { "grad_f" },
        start = if !linear {
            "np.zeros(N)  # pi_theta = pi_ref".to_string()
        } else if s.theta0 == [0.0; 2] {
            "np.zeros(2)  # pi_theta = pi_ref".to_string()
        } else {
            format!(
                "np.array([{}])  # theta0: where training starts",
                list(s.theta0.into_iter())
            )
        },
        fixed = if moves {
            ""
        } else {
            "    W = pair_law()  # the pairs never change: computed once\n"
        },
        moving = if moves {
            "            W = pair_law(theta)  # the pairs move with theta\n"
        } else {
            ""
        },
    );
    py
}

/// Text in lines of at most 96 characters, broken after a space or an `&`.
fn wrap(text: &str) -> String {
    let mut lines = vec![String::new()];
    for word in text.split_inclusive([' ', '&']) {
        let line = lines.last_mut().filter(|l| l.len() + word.trim_end().len() <= 96);
        match line {
            Some(line) => line.push_str(word),
            None => lines.push(word.to_string()),
        }
    }
    lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n")
}
