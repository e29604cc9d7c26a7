from .closed_form_loop import ClosedFormTrainLoop

__all__ = ['ClosedFormTrainLoop']
