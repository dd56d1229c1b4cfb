from ui.playbooks import render

render()
