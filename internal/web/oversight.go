package web

// registerOversightRoutes adds the /api routes for the oversight view: checkpoints, verification status and counts.
func (s *Server) registerOversightRoutes() {}
