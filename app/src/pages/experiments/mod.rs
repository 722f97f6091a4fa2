//! The Experiments pages: the list, a new experiment (with its power plan), and an experiment's
//! results with its buttons.

mod experiment_page;
mod experiments_page;
mod new_experiment_page;
mod words;

pub use experiment_page::ExperimentPage;
pub use experiments_page::ExperimentsPage;
pub use new_experiment_page::NewExperimentPage;
