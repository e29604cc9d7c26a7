from .ranking_loss import ZSLRankingLoss

__all__ = ['ZSLRankingLoss']
