//! The print channel. (Seam: the renderer lands with the print channel work.)

use crate::content::Piece;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::{Channel, Rendered, Renderer};

pub struct PrintRenderer;

impl PrintRenderer {
    pub fn new(project: &Project) -> Result<Self> {
        let _ = project;
        Err(Error::usage(
            "the print channel is not available in this version of brandpress",
        ))
    }
}

impl Renderer for PrintRenderer {
    fn channel(&self) -> Channel {
        Channel::Print
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let _ = piece;
        Ok(Rendered::default())
    }
}
