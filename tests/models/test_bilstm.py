"""The joint model's BiLSTM over unit vectors reads each window alone: padding after a window
changes nothing, and its backward direction starts from the window's last unit."""
import torch

from assay.models.joint.model import BiLSTM


def test_padding_after_a_window_changes_nothing():
    torch.manual_seed(0)
    lstm = BiLSTM(dim=6, hidden=4).eval()
    short, long = torch.randn(1, 3, 6), torch.randn(1, 7, 6)
    alone = lstm(short, torch.tensor([3]))
    padded = torch.cat([short, torch.randn(1, 4, 6)], dim=1)  # whatever the padding holds
    batched = lstm(torch.cat([padded, long]), torch.tensor([3, 7]))
    assert torch.allclose(batched[0, :3], alone[0], atol=1e-6)
    assert torch.allclose(batched[1], lstm(long, torch.tensor([7]))[0], atol=1e-6)


def test_backward_direction_reads_from_the_last_unit():
    torch.manual_seed(0)
    lstm = BiLSTM(dim=6, hidden=4).eval()
    units = torch.randn(1, 5, 6)
    out = lstm(units, torch.tensor([5]))
    reference, _ = lstm.backward_lstm(units.flip(1))
    assert torch.allclose(out[0, :, 4:], reference[0].flip(0), atol=1e-6)
    # the first unit's forward half has seen only itself
    first, _ = lstm.forward_lstm(units[:, :1])
    assert torch.allclose(out[0, 0, :4], first[0, 0], atol=1e-6)
